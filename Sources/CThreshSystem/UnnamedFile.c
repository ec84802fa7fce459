#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "CThreshSystem.h"

int thresh_open_unnamed(const char *directory) {
#ifdef O_TMPFILE
    int fd = open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    // Only a file system without O_TMPFILE falls back; other errors are real.
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) return -1;
#endif
    size_t length = strlen(directory);
    static const char pattern[] = "/spill-XXXXXX.tmp";
    char *path = malloc(length + sizeof pattern);
    if (path == NULL) { errno = ENOMEM; return -1; }
    memcpy(path, directory, length);
    memcpy(path + length, pattern, sizeof pattern);
    int named = mkostemps(path, 4, O_CLOEXEC);
    if (named >= 0) unlink(path);
    free(path);
    return named;
}
