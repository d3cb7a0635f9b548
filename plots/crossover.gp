# SFT start and RL model: accuracy against tokens spent (300 problems) — written by Verity; re-render with: gnuplot crossover.gp
set terminal pngcairo size 800,500 noenhanced font 'sans,10' background rgb 'white'
set output 'crossover.png'
reset
set datafile separator "\t"
set title "SFT start and RL model: accuracy against tokens spent (300 problems)"
set grid lc rgb '#dddddd'
set border 3
set tics nomirror
set xlabel "mean generated tokens"
set ylabel "accuracy"
set key outside right top
set logscale x 2
set format x "%g"
set yrange [0.153:1.000]
plot 'crossover.tsv' skip 1 using 2:(strcol(1) eq "sft: pass@k (any correct)" ? $4 : NaN):(strcol(1) eq "sft: pass@k (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'crossover.tsv' skip 1 using 2:(strcol(1) eq "sft: majority vote" ? $4 : NaN):(strcol(1) eq "sft: majority vote" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#0072B2' notitle, \
     'crossover.tsv' skip 1 using 2:(strcol(1) eq "rl: pass@k (any correct)" ? $4 : NaN):(strcol(1) eq "rl: pass@k (any correct)" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'crossover.tsv' skip 1 using 2:(strcol(1) eq "rl: majority vote" ? $4 : NaN):(strcol(1) eq "rl: majority vote" ? $5 : NaN) with filledcurves fs transparent solid 0.12 noborder lc rgb '#D55E00' notitle, \
     'crossover.tsv' skip 1 using 2:(strcol(1) eq "sft: pass@k (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 1 title "sft: pass@k (any correct)", \
     'crossover.tsv' skip 1 using 2:(strcol(1) eq "sft: majority vote" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#0072B2' dt 2 title "sft: majority vote", \
     'crossover.tsv' skip 1 using 2:(strcol(1) eq "rl: pass@k (any correct)" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 1 title "rl: pass@k (any correct)", \
     'crossover.tsv' skip 1 using 2:(strcol(1) eq "rl: majority vote" ? $3 : NaN) with linespoints lw 2 pt 7 ps 0.8 lc rgb '#D55E00' dt 2 title "rl: majority vote"

unset output
