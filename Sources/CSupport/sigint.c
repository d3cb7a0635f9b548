// Ctrl-C handling: the handler only sets a volatile sig_atomic_t flag; long loops poll it.
#include "CSupport.h"
#include <signal.h>
#include <string.h>

static volatile sig_atomic_t verity_sigint_flag = 0;

static void verity_sigint_handler(int sig) {
    (void)sig;
    verity_sigint_flag = 1;
}

void verity_sigint_install(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = verity_sigint_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; // no SA_RESTART: a blocking read returns EINTR so the prompt can redraw
    sigaction(SIGINT, &sa, NULL);
    // A parent (a test runner, a job-control shell) may have left SIGINT blocked; the mask is
    // inherited across exec, and a blocked Ctrl-C would never reach the handler.
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGINT);
    sigprocmask(SIG_UNBLOCK, &unblock, NULL);
}

void verity_sigint_uninstall(void) {
    signal(SIGINT, SIG_DFL);
}

int verity_sigint_pending(void) { return verity_sigint_flag ? 1 : 0; }

void verity_sigint_clear(void) { verity_sigint_flag = 0; }
