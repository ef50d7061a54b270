// The base room: the plain types every other room shares and that front ends
// see instead of library types: Result (here), FloatArray (float_array.h,
// with the one shape_string), RgbImage (rgb_image.h) and the version.
// It includes nothing of the project.
//
// Result<T>: the value of an operation that can fail in an expected way (a bad
// file, a wrong shape), or a message a user can act on. Core never throws
// across its public API; every fallible function returns a Result.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

namespace actscope {

// The failure half of a Result. Messages name the file or value at fault.
struct Error {
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}              // NOLINT: implicit by design
  Result(Error error) : error_(std::move(error.message)) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  // Requires ok(). On an error it throws std::logic_error carrying the
  // error's message (a programming mistake, never a user's input): a test
  // that forgot to check reports the error instead of reading garbage.
  const T& value() const& {
    require_value();
    return *value_;
  }
  T& value() & {
    require_value();
    return *value_;
  }
  T&& value() && {
    require_value();
    return std::move(*value_);
  }

  // Empty when ok().
  const std::string& error() const { return error_; }

 private:
  void require_value() const {
    if (!value_) throw std::logic_error("Result::value() of a failed operation: " + error_);
  }

  std::optional<T> value_;
  std::string error_;
};

// For operations that return nothing on success.
struct Done {};
using Status = Result<Done>;

}  // namespace actscope
