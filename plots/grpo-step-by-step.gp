# training metrics: run1 (2x64+sft1200 → 2x64+sft1200+rl41) — written by Verity; re-render with: gnuplot grpo-step-by-step.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'grpo-step-by-step.png'
reset
set datafile separator "\t"
set title "training metrics: run1 (2x64+sft1200 → 2x64+sft1200+rl41)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
unset title
set lmargin 10
set rmargin 26
set multiplot layout 4,1 title "training metrics: run1 (2x64+sft1200 → 2x64+sft1200+rl41)"
set ylabel "reward"
set key outside right top
set autoscale y
set ytics 0.2
unset xlabel
plot 'grpo-step-by-step.tsv' skip 1 using 2:(strcol(1) eq "reward" ? $3 : NaN) with lines lw 2 lc rgb '#0072B2' title "reward"
set ylabel "accuracy"
set key outside right top
set autoscale y
set ytics 0.2
unset xlabel
plot 'grpo-step-by-step.tsv' skip 1 using 2:(strcol(1) eq "accuracy" ? $3 : NaN) with lines lw 2 lc rgb '#D55E00' title "accuracy", \
     'grpo-step-by-step.tsv' skip 1 using 2:(strcol(1) eq "eval/accuracy" ? $3 : NaN) with points pt 7 ps 1 lc rgb '#000000' title "eval/accuracy"
set ylabel "length (tokens)"
set key outside right top
set autoscale y
set ytics 2
unset xlabel
plot 'grpo-step-by-step.tsv' skip 1 using 2:(strcol(1) eq "completions/mean_length" ? $3 : NaN) with lines lw 2 lc rgb '#009E73' title "completions/mean_length"
set ylabel "thinking share"
set key outside right top
set autoscale y
set ytics 0.2
set xlabel "step"
plot 'grpo-step-by-step.tsv' skip 1 using 2:(strcol(1) eq "thinking/share" ? $3 : NaN) with lines lw 2 lc rgb '#CC79A7' title "thinking/share"
unset multiplot

unset output
