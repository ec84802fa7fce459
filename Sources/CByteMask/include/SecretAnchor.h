// The redactor's pre-filter (see ThresherExtract's `Redactor`): the next
// byte position where a secret of SPEC §9 could be anchored, found 16 bytes
// at a time (32 where the CPU has AVX2). Most strings hold none, so most
// strings are decided here.
#ifndef THRESH_SECRET_ANCHOR_H
#define THRESH_SECRET_ANCHOR_H

#include <stddef.h>
#include <stdint.h>

/// The first index i in [from, n) where `b` holds an anchor: one of
/// `- _ : = @`, or the last byte of `eyJ`, of `rer` in any case (`bearer`),
/// of `A` + one of `KSBCI`, of `gh` / `gl`, of `xox`, whose neighbours are
/// those every secret anchored there has (a `:` or `=` after a name ending
/// in password, passwd, secret, token or key; `-----BEGIN`; …). Returns n
/// when none. `b` may be a text or its escaped form (SPEC §5): an anchor of
/// the text is one of its escaped form.
size_t thresh_secret_anchor(const uint8_t *b, size_t n, size_t from);

/// `thresh_secret_anchor` with blocks of at most `width` bytes: 32 (where
/// the CPU has AVX2, else 16), 16, or 0 for a check of every position.
/// The same answer whatever the width; tests compare them.
size_t thresh_secret_anchor_width(const uint8_t *b, size_t n, size_t from, int width);

#endif
