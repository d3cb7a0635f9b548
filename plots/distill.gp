# one budget of 2,560 samples, four ways to spend it (2 x 64 student, 3 seeds) — written by Verity; re-render with: gnuplot distill.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'distill.png'
reset
set datafile separator "\t"
set title "one budget of 2,560 samples, four ways to spend it (2 x 64 student, 3 seeds)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set ylabel "held-out accuracy (T=1, 8 samples)"
set xtics rotate by 30 right ("SFT start" 1, "GRPO" 2, "STaR" 3, "distil: all correct" 4, "distil: reasoning only" 5, "gold worked solutions" 6)
set xrange [0.4:6.6]
set yrange [0.0:1.0]
set key outside right top
plot 'distill.tsv' skip 1 using 2:(strcol(4) eq "seed" ? $3 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' title "each seed", \
     'distill.tsv' skip 1 using 2:(strcol(4) eq "mean" ? $3 : NaN):5:6 with yerrorbars pt 5 ps 1.2 lw 2 lc rgb '#0072B2' title "mean, 95% interval"

unset output
