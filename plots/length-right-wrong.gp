# tokens of right samples minus tokens of wrong ones (3 seeds) — written by Verity; re-render with: gnuplot length-right-wrong.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'length-right-wrong.png'
reset
set datafile separator "\t"
set title "tokens of right samples minus tokens of wrong ones (3 seeds)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set ylabel "tokens"
set xtics ("SFT start" 1, "after GRPO" 2)
set xrange [0.4:2.6]
set offsets 0, 0, graph 0.08, graph 0.08
set key outside right top
plot 'length-right-wrong.tsv' skip 1 using 2:(strcol(4) eq "seed" ? $3 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' title "each seed", \
     'length-right-wrong.tsv' skip 1 using 2:(strcol(4) eq "mean" ? $3 : NaN):5:6 with yerrorbars pt 5 ps 1.2 lw 2 lc rgb '#0072B2' title "mean, 95% interval"

unset output
