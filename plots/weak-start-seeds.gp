# a weak start after 120 GRPO steps, and a stronger one (3 seeds) — written by Verity; re-render with: gnuplot weak-start-seeds.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'weak-start-seeds.png'
reset
set datafile separator "\t"
set title "a weak start after 120 GRPO steps, and a stronger one (3 seeds)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set ylabel "held-out accuracy (T=1, 8 samples)"
set xtics rotate by 30 right ("weak SFT start" 1, "plain GRPO" 2, "dynamic sampling" 3, "offline filter" 4, "700 more SFT steps" 5, "more SFT + GRPO" 6)
set xrange [0.4:6.6]
set yrange [0.0:1.0]
set key outside right top
plot 'weak-start-seeds.tsv' skip 1 using 2:(strcol(4) eq "seed" ? $3 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' title "each seed", \
     'weak-start-seeds.tsv' skip 1 using 2:(strcol(4) eq "mean" ? $3 : NaN):5:6 with yerrorbars pt 5 ps 1.2 lw 2 lc rgb '#0072B2' title "mean, 95% interval"

unset output
