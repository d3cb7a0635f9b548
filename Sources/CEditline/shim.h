// libedit (Debian: libedit-dev), through its readline-compatible API. Swift cannot call C variadic
// functions or touch C mutable globals in Swift 6 mode, so the few we need are wrapped here.
#include <stdio.h>
#include <editline/readline.h>
