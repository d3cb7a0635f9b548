# value-guided search vs. sampling (seed 1, 200 problems) — written by Verity; re-render with: gnuplot value-search.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'value-search.png'
reset
set datafile separator "\t"
set title "value-guided search vs. sampling (seed 1, 200 problems)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "mean generated tokens"
set ylabel "accuracy"
set key outside right top
set logscale x 2
set format x "%g"
set yrange [0.541:1.000]
plot 'value-search.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct)" ? $4 : NaN):(strcol(1) eq "pass@k (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "majority vote" ? $4 : NaN):(strcol(1) eq "majority vote" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "best-of-k by score" ? $4 : NaN):(strcol(1) eq "best-of-k by score" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#009E73' notitle, \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "beam search, value model" ? $4 : NaN):(strcol(1) eq "beam search, value model" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#CC79A7' notitle, \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "beam search, step oracle" ? $4 : NaN):(strcol(1) eq "beam search, step oracle" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#E69F00' notitle, \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "best-first tree search, value model" ? $4 : NaN):(strcol(1) eq "best-first tree search, value model" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#56B4E9' notitle, \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "beam search, PPO critic" ? $4 : NaN):(strcol(1) eq "beam search, PPO critic" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#F0E442' notitle, \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "pass@k (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 1 title "pass@k (any correct)", \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "majority vote" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 1 title "majority vote", \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "best-of-k by score" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#009E73' dt 1 title "best-of-k by score", \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "beam search, value model" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#CC79A7' dt 1 title "beam search, value model", \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "beam search, step oracle" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#E69F00' dt 1 title "beam search, step oracle", \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "best-first tree search, value model" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#56B4E9' dt 1 title "best-first tree search, value model", \
     'value-search.tsv' skip 1 using 2:(strcol(1) eq "beam search, PPO critic" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#F0E442' dt 1 title "beam search, PPO critic"

unset output
