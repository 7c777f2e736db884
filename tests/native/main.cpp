// Catch2 v2 main for the native test executable.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
