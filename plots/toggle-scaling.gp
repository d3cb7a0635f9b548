# two modes of one model: accuracy vs. tokens spent (seed 3, 200 problems, T=1) — written by Verity; re-render with: gnuplot toggle-scaling.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'toggle-scaling.png'
reset
set datafile separator "\t"
set title "two modes of one model: accuracy vs. tokens spent (seed 3, 200 problems, T=1)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "mean generated tokens"
set ylabel "accuracy"
set key outside right top
set logscale x 2
set format x "%g"
set yrange [0.000:1.000]
plot 'toggle-scaling.tsv' skip 1 using 2:(strcol(1) eq "/think: pass@k (any correct)" ? $4 : NaN):(strcol(1) eq "/think: pass@k (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'toggle-scaling.tsv' skip 1 using 2:(strcol(1) eq "/think: majority vote" ? $4 : NaN):(strcol(1) eq "/think: majority vote" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'toggle-scaling.tsv' skip 1 using 2:(strcol(1) eq "/no_think: pass@k (any correct)" ? $4 : NaN):(strcol(1) eq "/no_think: pass@k (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#009E73' notitle, \
     'toggle-scaling.tsv' skip 1 using 2:(strcol(1) eq "/no_think: majority vote" ? $4 : NaN):(strcol(1) eq "/no_think: majority vote" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#CC79A7' notitle, \
     'toggle-scaling.tsv' skip 1 using 2:(strcol(1) eq "/think: pass@k (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 1 title "/think: pass@k (any correct)", \
     'toggle-scaling.tsv' skip 1 using 2:(strcol(1) eq "/think: majority vote" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 1 title "/think: majority vote", \
     'toggle-scaling.tsv' skip 1 using 2:(strcol(1) eq "/no_think: pass@k (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#009E73' dt 1 title "/no_think: pass@k (any correct)", \
     'toggle-scaling.tsv' skip 1 using 2:(strcol(1) eq "/no_think: majority vote" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#CC79A7' dt 1 title "/no_think: majority vote"

unset output
