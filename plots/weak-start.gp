# seed 3: flat groups and sample accuracy over 120 GRPO steps (moving averages of 10 steps) — written by Verity; re-render with: gnuplot weak-start.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'weak-start.png'
reset
set datafile separator "\t"
set title "seed 3: flat groups and sample accuracy over 120 GRPO steps (moving averages of 10 steps)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
unset title
set lmargin 10
set rmargin 28
set key outside right top
set multiplot layout 2,1 title "seed 3: flat groups and sample accuracy over 120 GRPO steps (moving averages of 10 steps)"
set ylabel "flat groups (share)"
set autoscale y
set ytics 0.5
unset xlabel
plot 'weak-start.tsv' skip 1 using 3:(strcol(1) eq "frac_reward_zero_std" && strcol(2) eq "plain GRPO" ? $5 : NaN) with lines lw 2 lc rgb '#0072B2' title "plain GRPO", \
     'weak-start.tsv' skip 1 using 3:(strcol(1) eq "frac_reward_zero_std" && strcol(2) eq "dynamic sampling" ? $5 : NaN) with lines lw 2 lc rgb '#D55E00' title "dynamic sampling", \
     'weak-start.tsv' skip 1 using 3:(strcol(1) eq "frac_reward_zero_std" && strcol(2) eq "offline filter" ? $5 : NaN) with lines lw 2 lc rgb '#009E73' title "offline filter", \
     'weak-start.tsv' skip 1 using 3:(strcol(1) eq "frac_reward_zero_std" && strcol(2) eq "more SFT + GRPO" ? $5 : NaN) with lines lw 2 lc rgb '#CC79A7' title "more SFT + GRPO"
set ylabel "accuracy"
set autoscale y
set ytics 0.5
set xlabel "step"
plot 'weak-start.tsv' skip 1 using 3:(strcol(1) eq "accuracy" && strcol(2) eq "plain GRPO" ? $5 : NaN) with lines lw 2 lc rgb '#0072B2' notitle, \
     'weak-start.tsv' skip 1 using 3:(strcol(1) eq "accuracy" && strcol(2) eq "dynamic sampling" ? $5 : NaN) with lines lw 2 lc rgb '#D55E00' notitle, \
     'weak-start.tsv' skip 1 using 3:(strcol(1) eq "accuracy" && strcol(2) eq "offline filter" ? $5 : NaN) with lines lw 2 lc rgb '#009E73' notitle, \
     'weak-start.tsv' skip 1 using 3:(strcol(1) eq "accuracy" && strcol(2) eq "more SFT + GRPO" ? $5 : NaN) with lines lw 2 lc rgb '#CC79A7' notitle
unset multiplot

unset output
