# Runs PROGRAM with ARGS and passes only when it exits with EXPECT_EXIT and
# its standard error contains EXPECT_STDERR (a failure that explains itself).
execute_process(COMMAND ${PROGRAM} ${ARGS} RESULT_VARIABLE code ERROR_VARIABLE stderr OUTPUT_QUIET)
if(NOT code EQUAL EXPECT_EXIT)
  message(FATAL_ERROR "exit code ${code}, expected ${EXPECT_EXIT}; stderr: ${stderr}")
endif()
string(FIND "${stderr}" "${EXPECT_STDERR}" found)
if(found EQUAL -1)
  message(FATAL_ERROR "stderr does not mention '${EXPECT_STDERR}': ${stderr}")
endif()
