# runs compared — written by Verity; re-render with: gnuplot r1-zero-scaling.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'r1-zero-scaling.png'
reset
set datafile separator "\t"
set title "runs compared"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "samples k"
set ylabel "accuracy"
set key bottom right
set logscale x 2
set format x "%g"
set yrange [0:1]
plot 'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "r1-zero-sft-points: pass" ? $4 : NaN):(strcol(1) eq "r1-zero-sft-points: pass" ? $5 : NaN) with filledcurves fs transparent solid 0.2 noborder lc rgb '#0072B2' notitle, \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "r1-zero-sft-points: maj" ? $4 : NaN):(strcol(1) eq "r1-zero-sft-points: maj" ? $5 : NaN) with filledcurves fs transparent solid 0.2 noborder lc rgb '#D55E00' notitle, \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "r1-zero-rl-points: pass" ? $4 : NaN):(strcol(1) eq "r1-zero-rl-points: pass" ? $5 : NaN) with filledcurves fs transparent solid 0.2 noborder lc rgb '#009E73' notitle, \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "r1-zero-rl-points: maj" ? $4 : NaN):(strcol(1) eq "r1-zero-rl-points: maj" ? $5 : NaN) with filledcurves fs transparent solid 0.2 noborder lc rgb '#CC79A7' notitle, \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "r1-zero-sft-points: pass" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' title "r1-zero-sft-points: pass", \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "r1-zero-sft-points: maj" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' title "r1-zero-sft-points: maj", \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "r1-zero-rl-points: pass" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#009E73' title "r1-zero-rl-points: pass", \
     'r1-zero-scaling.tsv' skip 1 using 2:(strcol(1) eq "r1-zero-rl-points: maj" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#CC79A7' title "r1-zero-rl-points: maj"

unset output
