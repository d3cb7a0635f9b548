# each practice minus the baseline of its seed (5 seeds; 95% intervals) — written by Verity; re-render with: gnuplot practices.gp
set terminal pngcairo size 800,1470 noenhanced font 'sans,10' background rgb 'white'
set output 'practices.png'
reset
set datafile separator "\t"
set title "each practice minus the baseline of its seed (5 seeds; 95% intervals)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
unset title
set lmargin 12
set rmargin 4
set xrange [0.4:12.6]
set xzeroaxis lt 1 lw 1 lc rgb '#888888'
set offsets 0, 0, graph 0.1, graph 0.1
set key off
set multiplot layout 7,1 title "each practice minus the baseline of its seed (5 seeds; 95% intervals)"
set ylabel "final accuracy"
set ytics 0.2
set xtics ("" 1, "" 2, "" 3, "" 4, "" 5, "" 6, "" 7, "" 8, "" 9, "" 10, "" 11, "" 12)
set tmargin 3
set key at screen 0.99, screen 0.9836734693877551 right top horizontal samplen 1
plot 'practices.tsv' skip 1 using 3:(strcol(1) eq "1" && strcol(5) eq "seed" ? $4 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' title "each seed", \
     'practices.tsv' skip 1 using 3:(strcol(1) eq "1" && strcol(5) eq "mean" ? $4 : NaN):(strcol(1) eq "1" ? $6 : NaN):(strcol(1) eq "1" ? $7 : NaN) with yerrorbars pt 5 ps 1.1 lw 2 lc rgb '#0072B2' title "mean, 95% interval"
set ylabel "steps to 0.9"
set ytics 10
set xtics ("" 1, "" 2, "" 3, "" 4, "" 5, "" 6, "" 7, "" 8, "" 9, "" 10, "" 11, "" 12)
unset tmargin
set key off
plot 'practices.tsv' skip 1 using 3:(strcol(1) eq "2" && strcol(5) eq "seed" ? $4 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' notitle, \
     'practices.tsv' skip 1 using 3:(strcol(1) eq "2" && strcol(5) eq "mean" ? $4 : NaN):(strcol(1) eq "2" ? $6 : NaN):(strcol(1) eq "2" ? $7 : NaN) with yerrorbars pt 5 ps 1.1 lw 2 lc rgb '#0072B2' notitle
set ylabel "curve mean"
set ytics 0.2
set xtics ("" 1, "" 2, "" 3, "" 4, "" 5, "" 6, "" 7, "" 8, "" 9, "" 10, "" 11, "" 12)
unset tmargin
set key off
plot 'practices.tsv' skip 1 using 3:(strcol(1) eq "3" && strcol(5) eq "seed" ? $4 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' notitle, \
     'practices.tsv' skip 1 using 3:(strcol(1) eq "3" && strcol(5) eq "mean" ? $4 : NaN):(strcol(1) eq "3" ? $6 : NaN):(strcol(1) eq "3" ? $7 : NaN) with yerrorbars pt 5 ps 1.1 lw 2 lc rgb '#0072B2' notitle
set ylabel "length (tokens)"
set ytics 10
set xtics ("" 1, "" 2, "" 3, "" 4, "" 5, "" 6, "" 7, "" 8, "" 9, "" 10, "" 11, "" 12)
unset tmargin
set key off
plot 'practices.tsv' skip 1 using 3:(strcol(1) eq "4" && strcol(5) eq "seed" ? $4 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' notitle, \
     'practices.tsv' skip 1 using 3:(strcol(1) eq "4" && strcol(5) eq "mean" ? $4 : NaN):(strcol(1) eq "4" ? $6 : NaN):(strcol(1) eq "4" ? $7 : NaN) with yerrorbars pt 5 ps 1.1 lw 2 lc rgb '#0072B2' notitle
set ylabel "entropy"
set ytics 0.05
set xtics ("" 1, "" 2, "" 3, "" 4, "" 5, "" 6, "" 7, "" 8, "" 9, "" 10, "" 11, "" 12)
unset tmargin
set key off
plot 'practices.tsv' skip 1 using 3:(strcol(1) eq "5" && strcol(5) eq "seed" ? $4 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' notitle, \
     'practices.tsv' skip 1 using 3:(strcol(1) eq "5" && strcol(5) eq "mean" ? $4 : NaN):(strcol(1) eq "5" ? $6 : NaN):(strcol(1) eq "5" ? $7 : NaN) with yerrorbars pt 5 ps 1.1 lw 2 lc rgb '#0072B2' notitle
set ylabel "gap (nats/token)"
set ytics 0.01
set xtics ("" 1, "" 2, "" 3, "" 4, "" 5, "" 6, "" 7, "" 8, "" 9, "" 10, "" 11, "" 12)
unset tmargin
set key off
plot 'practices.tsv' skip 1 using 3:(strcol(1) eq "6" && strcol(5) eq "seed" ? $4 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' notitle, \
     'practices.tsv' skip 1 using 3:(strcol(1) eq "6" && strcol(5) eq "mean" ? $4 : NaN):(strcol(1) eq "6" ? $6 : NaN):(strcol(1) eq "6" ? $7 : NaN) with yerrorbars pt 5 ps 1.1 lw 2 lc rgb '#0072B2' notitle
set ylabel "wall time (s)"
set ytics 0.5
set xtics rotate by 30 right ("rerun (control)" 1, "clip-higher 0.28" 2, "KL 0.05" 3, "staleness 1" 4, "staleness 2" 5, "dynamic sampling" 6, "seq-mean loss" 7, "Dr. GRPO loss" 8, "no format bonus" 9, "DAPO overlong 24:8" 10, "L1 exact 20" 11, "offline filter" 12)
unset tmargin
set key off
plot 'practices.tsv' skip 1 using 3:(strcol(1) eq "7" && strcol(5) eq "seed" ? $4 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' notitle, \
     'practices.tsv' skip 1 using 3:(strcol(1) eq "7" && strcol(5) eq "mean" ? $4 : NaN):(strcol(1) eq "7" ? $6 : NaN):(strcol(1) eq "7" ? $7 : NaN) with yerrorbars pt 5 ps 1.1 lw 2 lc rgb '#0072B2' notitle
unset multiplot

unset output
