// Result: a value or a message; taking the value of a failure reports the
// failure's message instead of reading memory that holds no value.
#include "core/base/result.h"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace actscope {
namespace {

TEST(ResultTest, TheValueOfASuccessIsItsValue) {
  Result<std::string> result(std::string("weights.png"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value(), "weights.png");
  EXPECT_EQ(std::move(result).value(), "weights.png");
}

TEST(ResultTest, TheValueOfAFailureThrowsWithTheFailuresMessage) {
  Result<std::string> failed(Error{"net.pt: not a TorchScript archive"});
  ASSERT_FALSE(failed.ok());
  try {
    (void)failed.value();
    FAIL() << "value() of a failure returned";
  } catch (const std::logic_error& e) {
    EXPECT_NE(std::string(e.what()).find("net.pt: not a TorchScript archive"), std::string::npos) << e.what();
  }
  const Result<int> also_failed(Error{"x"});
  EXPECT_THROW((void)also_failed.value(), std::logic_error);
  EXPECT_THROW((void)Result<int>(Error{"y"}).value(), std::logic_error);
}

}  // namespace
}  // namespace actscope
