# Runs PROGRAM with ARGS and passes only when it exits with EXPECT_EXIT
# (default 0) and its standard output and error together match EXPECT_REGEX
# (and not REJECT_REGEX, when given):
# unlike PASS_REGULAR_EXPRESSION, a program that prints the line and then
# fails does not pass.
if(NOT DEFINED EXPECT_EXIT)
  set(EXPECT_EXIT 0)
endif()
execute_process(COMMAND ${PROGRAM} ${ARGS} RESULT_VARIABLE code OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
if(NOT code EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_EXIT}; stdout: ${stdout}; stderr: ${stderr}")
endif()
if(NOT "${stdout}${stderr}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "the output does not match '${EXPECT_REGEX}': ${stdout}${stderr}")
endif()
if(DEFINED REJECT_REGEX AND "${stdout}${stderr}" MATCHES "${REJECT_REGEX}")
  message(FATAL_ERROR "the output matches '${REJECT_REGEX}': ${stdout}${stderr}")
endif()
