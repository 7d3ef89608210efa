/**
 * Ends the run with one plain line, `jest: N passed, N failed, N skipped`, that CI reads as the verdict.
 * Printed as the process exits, so it is the last line, after jest's own summary.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, numRuntimeErrorTestSuites } = results;
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    const line = `jest: ${numPassedTests} passed, ${failed} failed, ${numPendingTests + numTodoTests} skipped\n`;
    // stderr, where jest writes its summary; writes to pipes and files are synchronous, so this lands at exit.
    process.once('exit', () => process.stderr.write(line));
  }
}
