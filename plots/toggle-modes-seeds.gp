# one model, two modes: accuracy at temperature 1 after SFT (3 seeds) — written by Verity; re-render with: gnuplot toggle-modes-seeds.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'toggle-modes-seeds.png'
reset
set datafile separator "\t"
set title "one model, two modes: accuracy at temperature 1 after SFT (3 seeds)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set ylabel "accuracy (share of samples correct)"
set xtics ("/no_think" 1, "/think" 2)
set xrange [0.4:2.6]
set yrange [0.0:1.0]
set key outside right top
plot 'toggle-modes-seeds.tsv' skip 1 using 2:(strcol(4) eq "seed" ? $3 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' title "each seed", \
     'toggle-modes-seeds.tsv' skip 1 using 2:(strcol(4) eq "mean" ? $3 : NaN):5:6 with yerrorbars pt 5 ps 1.2 lw 2 lc rgb '#0072B2' title "mean, 95% interval"

unset output
