# final accuracy minus the baseline's (3 seeds) — written by Verity; re-render with: gnuplot practices-accuracy.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'practices-accuracy.png'
reset
set datafile separator "\t"
set title "final accuracy minus the baseline's (3 seeds)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set ylabel "accuracy difference"
set xtics rotate by 30 right ("d_rerun" 1, "d_cliphigh" 2, "d_kl" 3, "d_async2" 4, "d_dynamic" 5, "d_seqmean" 6, "d_drgrpo" 7, "d_noformat" 8, "d_overlong" 9, "d_offline" 10)
set xrange [0.4:10.6]
set offsets 0, 0, graph 0.08, graph 0.08
set key outside right top
plot 'practices-accuracy.tsv' skip 1 using 2:(strcol(4) eq "seed" ? $3 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' title "each seed", \
     'practices-accuracy.tsv' skip 1 using 2:(strcol(4) eq "mean" ? $3 : NaN):5:6 with yerrorbars pt 5 ps 1.2 lw 2 lc rgb '#0072B2' title "mean, 95% interval"

unset output
