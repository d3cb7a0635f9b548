# accuracy vs. thinking budget at fixed k: add3-sft on add-d3, T=1 — written by Verity; re-render with: gnuplot scaling-budget-k.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'scaling-budget-k.png'
reset
set datafile separator "\t"
set title "accuracy vs. thinking budget at fixed k: add3-sft on add-d3, T=1"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "thinking budget B (tokens)"
set ylabel "accuracy"
set key outside right top
set yrange [0.000:1.000]
plot 'scaling-budget-k.tsv' skip 1 using 2:(strcol(1) eq "pass@1 (any correct)" ? $4 : NaN):(strcol(1) eq "pass@1 (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'scaling-budget-k.tsv' skip 1 using 2:(strcol(1) eq "pass@2 (any correct)" ? $4 : NaN):(strcol(1) eq "pass@2 (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'scaling-budget-k.tsv' skip 1 using 2:(strcol(1) eq "pass@4 (any correct)" ? $4 : NaN):(strcol(1) eq "pass@4 (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#009E73' notitle, \
     'scaling-budget-k.tsv' skip 1 using 2:(strcol(1) eq "pass@8 (any correct)" ? $4 : NaN):(strcol(1) eq "pass@8 (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#CC79A7' notitle, \
     'scaling-budget-k.tsv' skip 1 using 2:(strcol(1) eq "pass@1 (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 1 title "pass@1 (any correct)", \
     'scaling-budget-k.tsv' skip 1 using 2:(strcol(1) eq "pass@2 (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 1 title "pass@2 (any correct)", \
     'scaling-budget-k.tsv' skip 1 using 2:(strcol(1) eq "pass@4 (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#009E73' dt 1 title "pass@4 (any correct)", \
     'scaling-budget-k.tsv' skip 1 using 2:(strcol(1) eq "pass@8 (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#CC79A7' dt 1 title "pass@8 (any correct)"

unset output
