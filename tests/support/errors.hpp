#pragma once
// Catching the InputError a loader is expected to throw.

#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include "llmbench/error.hpp"

namespace llmbench::test {

// The InputError `f` throws; fails the test if it throws nothing (another exception propagates).
template <typename F>
InputError input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  FAIL("expected an InputError");
  throw std::logic_error("unreachable");
}

// Its message ("<file>:<line>: what is wrong").
template <typename F>
std::string input_error_text(F&& f) {
  return input_error(f).what();
}

}  // namespace llmbench::test
