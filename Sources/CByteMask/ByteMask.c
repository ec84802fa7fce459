// The module is header-only (see include/CByteMask.h); SwiftPM needs one
// source file to build a C target.
#include "CByteMask.h"
