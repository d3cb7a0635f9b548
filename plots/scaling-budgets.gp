# accuracy vs. tokens: add3-sft on add-d3, n=8, T=1 — written by Verity; re-render with: gnuplot scaling-budgets.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'scaling-budgets.png'
reset
set datafile separator "\t"
set title "accuracy vs. tokens: add3-sft on add-d3, n=8, T=1"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "mean generated tokens"
set ylabel "accuracy"
set key outside right top
set logscale x 2
set format x "%g"
set yrange [0.000:1.000]
plot 'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 0)" ? $4 : NaN):(strcol(1) eq "pass@k (any correct) (budget 0)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 8)" ? $4 : NaN):(strcol(1) eq "pass@k (any correct) (budget 8)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 16)" ? $4 : NaN):(strcol(1) eq "pass@k (any correct) (budget 16)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#009E73' notitle, \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 24)" ? $4 : NaN):(strcol(1) eq "pass@k (any correct) (budget 24)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#CC79A7' notitle, \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 32)" ? $4 : NaN):(strcol(1) eq "pass@k (any correct) (budget 32)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#E69F00' notitle, \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 0)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 1 title "pass@k (any correct) (budget 0)", \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 8)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 1 title "pass@k (any correct) (budget 8)", \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 16)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#009E73' dt 1 title "pass@k (any correct) (budget 16)", \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 24)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#CC79A7' dt 1 title "pass@k (any correct) (budget 24)", \
     'scaling-budgets.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct) (budget 32)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#E69F00' dt 1 title "pass@k (any correct) (budget 32)"

unset output
