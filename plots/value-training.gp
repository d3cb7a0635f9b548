# final greedy accuracy minus GRPO's at 20 steps (3 seeds) — written by Verity; re-render with: gnuplot value-training.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'value-training.png'
reset
set datafile separator "\t"
set title "final greedy accuracy minus GRPO's at 20 steps (3 seeds)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set ylabel "accuracy difference"
set xtics rotate by 30 right ("PPO (policy-sized critic)" 1, "PPO (small critic)" 2, "VinePPO (K = 4)" 3, "GRPO (150 steps)" 4)
set xrange [0.4:4.6]
set offsets 0, 0, graph 0.08, graph 0.08
set key outside right top
plot 'value-training.tsv' skip 1 using 2:(strcol(4) eq "seed" ? $3 : NaN) with points pt 7 ps 0.6 lc rgb '#56B4E9' title "each seed", \
     'value-training.tsv' skip 1 using 2:(strcol(4) eq "mean" ? $3 : NaN):5:6 with yerrorbars pt 5 ps 1.2 lw 2 lc rgb '#0072B2' title "mean, 95% interval"

unset output
