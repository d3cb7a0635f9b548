# /think cut off after B thinking tokens (seed 3, 200 problems, T=1; the full chain is 15) — written by Verity; re-render with: gnuplot toggle-budgets.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'toggle-budgets.png'
reset
set datafile separator "\t"
set title "/think cut off after B thinking tokens (seed 3, 200 problems, T=1; the full chain is 15)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "thinking budget B (tokens)"
set ylabel "accuracy"
set key outside right top
set yrange [0.000:1.000]
plot 'toggle-budgets.tsv' skip 1 using 2:(strcol(1) eq "one sample (majority of 1)" ? $4 : NaN):(strcol(1) eq "one sample (majority of 1)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'toggle-budgets.tsv' skip 1 using 2:(strcol(1) eq "majority vote of 8" ? $4 : NaN):(strcol(1) eq "majority vote of 8" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'toggle-budgets.tsv' skip 1 using 2:(strcol(1) eq "one sample (majority of 1)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 1 title "one sample (majority of 1)", \
     'toggle-budgets.tsv' skip 1 using 2:(strcol(1) eq "majority vote of 8" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 1 title "majority vote of 8"

unset output
