// Pseudo-terminal helper for the REPL tests: Swift's Glibc module does not expose posix_openpt,
// grantpt, unlockpt or ptsname (they need _XOPEN_SOURCE), so the master side is opened here.
#define _GNU_SOURCE
#include "CSupport.h"
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int verity_pty_open(char *slave_name, size_t size) {
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0) return -1;
    if (grantpt(master) != 0 || unlockpt(master) != 0 || ptsname_r(master, slave_name, size) != 0) {
        close(master);
        return -1;
    }
    return master;
}
