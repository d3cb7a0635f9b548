# sft vs. rl: accuracy vs. tokens — written by Verity; re-render with: gnuplot r1-zero-scaling.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'r1-zero-scaling.png'
reset
set datafile separator "\t"
set title "sft vs. rl: accuracy vs. tokens"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "mean generated tokens"
set ylabel "accuracy"
set key outside right top
set logscale x 2
set format x "%g"
set yrange [0.071:1.000]
plot 'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "sft: pass@k (any correct)" ? $4 : NaN):(strcol(1) eq "sft: pass@k (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "sft: majority vote" ? $4 : NaN):(strcol(1) eq "sft: majority vote" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "rl: pass@k (any correct)" ? $4 : NaN):(strcol(1) eq "rl: pass@k (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "rl: majority vote" ? $4 : NaN):(strcol(1) eq "rl: majority vote" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "sft: pass@k (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 1 title "sft: pass@k (any correct)", \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "sft: majority vote" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 2 title "sft: majority vote", \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "rl: pass@k (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 1 title "rl: pass@k (any correct)", \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "rl: majority vote" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 2 title "rl: majority vote"

unset output
