# length against accuracy over 40 RL steps (Pearson r, 3 seeds) — written by Verity; re-render with: gnuplot length-correlation.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'length-correlation.png'
reset
set datafile separator "\t"
set title "length against accuracy over 40 RL steps (Pearson r, 3 seeds)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set ylabel "correlation"
set xtics rotate by 30 right ("correctness reward (lr 3e-4)" 1, "correctness + length reward (lr 1e-3)" 2)
set xrange [0.4:2.6]
set offsets 0, 0, graph 0.08, graph 0.08
set key outside right top
plot 'length-correlation.tsv' skip 1 using 2:(strcol(4) eq "seed" ? $3 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' title "each seed", \
     'length-correlation.tsv' skip 1 using 2:(strcol(4) eq "mean" ? $3 : NaN):5:6 with yerrorbars pt 5 ps 1.2 lw 2 lc rgb '#0072B2' title "mean, 95% interval"

unset output
