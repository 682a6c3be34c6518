import { describe, expect, it } from "vitest";
import { commandMeasurement } from "../../src/verify/kinds/command.js";
import { parseJUnit } from "../../src/verify/kinds/junit.js";
import { workflowMeasurement } from "../../src/verify/kinds/workflow.js";

describe("JUnit reports", () => {
  it("counts test cases, failures, errors and skips, with the first failures' messages (pytest style)", () => {
    const report = parseJUnit(`<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4" time="1.5">
<testcase classname="tests.test_cart" name="test_add" time="0.5"/>
<testcase classname="tests.test_cart" name="test_pay" time="0.7"><failure message="assert 500 == 200">Traceback...</failure></testcase>
<testcase classname="tests.test_cart" name="test_db" time="0.3"><error message="">&lt;ConnectionError&gt; db &amp; cache down</error></testcase>
<!-- <testcase name="commented out"/> -->
<testcase classname="tests.test_cart" name="test_later"><skipped message="todo"/></testcase>
</testsuite></testsuites>`);
    expect(report).toEqual({
      tests: 4,
      failures: 1,
      errors: 1,
      skipped: 1,
      time: 1.5,
      firstFailures: [
        { name: "tests.test_cart › test_pay", message: "assert 500 == 200" },
        { name: "tests.test_cart › test_db", message: "<ConnectionError> db & cache down" },
      ],
    });
  });

  it("falls back to the suite's totals without test cases, and says when a file is not JUnit", () => {
    expect(
      parseJUnit(`<testsuite tests="12" failures="0" errors="0" skipped="2" time="3"></testsuite>`),
    ).toMatchObject({
      tests: 12,
      skipped: 2,
      time: 3,
    });
    expect(parseJUnit("{}").problem).toMatch(/not JUnit XML/);
  });
});

describe("command and workflow measurements", () => {
  it("the exit code decides; a report listing failures while the command exited 0 is called out", () => {
    const tests = {
      tests: 2,
      failures: 1,
      errors: 0,
      skipped: 0,
      firstFailures: [{ name: "a", message: "boom" }],
    };
    expect(commandMeasurement({ exitCode: 0, timedOut: false, timeout: "1m", tests })).toMatchObject({
      phase: "Successful",
      value: 1,
      message: expect.stringContaining("the exit code decides"),
    });
    expect(
      commandMeasurement({ exitCode: null, signal: "SIGKILL", timedOut: false, timeout: "1m" }),
    ).toMatchObject({
      phase: "Failed",
      message: "the test command was killed by SIGKILL",
    });
    expect(
      commandMeasurement({ exitCode: null, timedOut: false, timeout: "1m", startError: "spawn sh ENOENT" })
        .phase,
    ).toBe("Error");
  });

  it("maps a run's conclusion: success passes, failure fails, cancelled asks a human, still running is an error", () => {
    const run = (conclusion: string | null, status = "completed") => ({
      run: { id: 7, url: "https://github.com/acme/web/actions/runs/7", status, conclusion },
      timedOut: status !== "completed",
      timeout: "1h",
      file: "load-test.yml",
    });
    expect(workflowMeasurement(run("success")).phase).toBe("Successful");
    expect(workflowMeasurement(run("failure")).phase).toBe("Failed");
    expect(workflowMeasurement(run("timed_out")).phase).toBe("Failed");
    expect(workflowMeasurement(run("cancelled")).phase).toBe("Inconclusive");
    expect(workflowMeasurement(run(null, "in_progress"))).toMatchObject({
      phase: "Error",
      link: { url: "https://github.com/acme/web/actions/runs/7", title: "load-test.yml run 7" },
    });
    expect(
      workflowMeasurement({
        error: "POST … answered 403",
        timedOut: false,
        timeout: "1h",
        file: "load-test.yml",
      }).phase,
    ).toBe("Error");
  });
});
