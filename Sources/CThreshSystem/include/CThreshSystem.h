#ifndef THRESH_CTHRESHSYSTEM_H
#define THRESH_CTHRESHSYSTEM_H

/// Swaps two paths in one atomic step (renameat2 with RENAME_EXCHANGE):
/// 0 on success, else -1 with errno set (EINVAL where the file system
/// cannot exchange). Swift's Glibc module does not export renameat2.
int thresh_exchange_paths(const char *first, const char *second);

/// Opens a new read-write file in `directory` that has no name: O_TMPFILE,
/// or, where the file system lacks it, `spill-XXXXXX.tmp` unlinked at once.
/// The file is gone when its descriptor closes, even after a crash.
/// A descriptor, or -1 with errno set.
int thresh_open_unnamed(const char *directory);

#endif
