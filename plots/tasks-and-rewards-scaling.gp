# accuracy vs. tokens — written by Verity; re-render with: gnuplot tasks-and-rewards-scaling.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'tasks-and-rewards-scaling.png'
reset
set datafile separator "\t"
set title "accuracy vs. tokens"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "mean generated tokens"
set ylabel "accuracy"
set key outside right top
set logscale x 2
set format x "%g"
set yrange [0.028:1.000]
plot 'tasks-and-rewards-scaling.tsv' skip 1 using 2:(strcol(1) eq "pass@k" ? $4 : NaN):(strcol(1) eq "pass@k" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'tasks-and-rewards-scaling.tsv' skip 1 using 2:(strcol(1) eq "maj@k" ? $4 : NaN):(strcol(1) eq "maj@k" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'tasks-and-rewards-scaling.tsv' skip 1 using 2:(strcol(1) eq "pass@k" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 1 title "pass@k", \
     'tasks-and-rewards-scaling.tsv' skip 1 using 2:(strcol(1) eq "maj@k" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 1 title "maj@k"

unset output
