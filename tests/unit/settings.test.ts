import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CREDENTIAL_VARIABLES,
  DEFAULT_CONFIRM_WINDOW_MS,
  ProviderSettings,
  resolveSettings,
} from "../../provider/core/settings";
import { CONFIG_NAMESPACE, Setting, SETTING_ROWS, SettingName } from "../../provider/core/settingTable";

/**
 * The tuning settings come from the environment only (they are the operator's, not the stack's);
 * a value that is not a non-negative number is ignored, so a typo never becomes "0 retries".
 */
describe("settings: tuning from the environment", () => {
  const none = () => undefined;

  it("has defaults when nothing is set", () => {
    const s = resolveSettings(none, { PULUMI_HOME: "/p" });
    assert.deepEqual(s.retry, {});
    assert.equal(s.requestTimeoutMs, undefined);
    assert.equal(s.confirmWindowMs, DEFAULT_CONFIRM_WINDOW_MS);
    assert.equal(s.journalDir, path.join("/p", "marketplace-cancel", "inflight"));
  });

  it("reads retries, base delay, request timeout, confirm window and journal directory", () => {
    const s = resolveSettings(none, {
      MARKETPLACE_RETRIES: "0",
      MARKETPLACE_RETRY_BASE_DELAY_MS: "250",
      MARKETPLACE_REQUEST_TIMEOUT_MS: "5000",
      MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS: "1500",
      MARKETPLACE_CANCEL_JOURNAL_DIR: "/j",
    });
    assert.deepEqual(s.retry, { retries: 0, baseDelayMs: 250 });
    assert.equal(s.requestTimeoutMs, 5000);
    assert.equal(s.confirmWindowMs, 1500);
    assert.equal(s.journalDir, "/j");
  });

  for (const typo of ["three", "-1", "", " ", "Infinity"]) {
    it(`ignores ${JSON.stringify(typo)}`, () => {
      const s = resolveSettings(none, {
        MARKETPLACE_RETRIES: typo,
        MARKETPLACE_CANCEL_CONFIRM_WINDOW_MS: typo,
      });
      assert.deepEqual(s.retry, {});
      assert.equal(s.confirmWindowMs, DEFAULT_CONFIRM_WINDOW_MS);
    });
  }

  it("does not take tuning from stack config", () => {
    const s = resolveSettings((key) => (key === "marketplace:retries" ? "0" : undefined), {});
    assert.deepEqual(s.retry, {});
  });
});

/** A value each setting accepts, and what resolution makes of it. */
const SAMPLES: Record<SettingName, [given: string, resolved: unknown]> = {
  accessToken: ["a", "a"],
  ingestionAccessToken: ["b", "b"],
  tenantId: ["c", "c"],
  clientId: ["d", "d"],
  clientSecret: ["e", "e"],
  federatedTokenFile: ["/f", "/f"],
  authorityHost: ["https://g.example", "https://g.example"],
  endpoint: ["https://h.example", "https://h.example"],
  ingestionEndpoint: ["https://i.example", "https://i.example"],
  previewLookup: ["off", false],
  requestTimeoutMs: ["7", 7],
  retries: ["8", 8],
  retryBaseDelayMs: ["9", 9],
  confirmWindowMs: ["10", 10],
  journalDir: ["/k", "/k"],
};

/** Where resolution puts a setting. */
function resolvedValue(settings: ProviderSettings, name: SettingName): unknown {
  if (name === "retries") return settings.retry.retries;
  if (name === "retryBaseDelayMs") return settings.retry.baseDelayMs;
  return settings[name];
}

describe("settings: every setting is one row of the table", () => {
  for (const [name, setting] of SETTING_ROWS) {
    const [given, resolved] = SAMPLES[name];
    if (setting.config !== undefined) {
      it(`${name}: stack config ${CONFIG_NAMESPACE}:${setting.config} wins over ${setting.env.join(", ")}`, () => {
        const fromEnv = Object.fromEntries(setting.env.map((variable) => [variable, "12"]));
        const lookup = (key: string) => (key === `${CONFIG_NAMESPACE}:${setting.config}` ? given : undefined);
        assert.deepEqual(resolvedValue(resolveSettings(lookup, fromEnv), name), resolved);
      });
    }
    setting.env.forEach((variable, i) => {
      it(`${name}: read from ${variable}${i > 0 ? `, after ${setting.env.slice(0, i).join(", ")}` : ""}`, () => {
        assert.deepEqual(
          resolvedValue(
            resolveSettings(() => undefined, { [variable]: given }),
            name,
          ),
          resolved,
        );
        if (i > 0) {
          const earlier = resolveSettings(() => undefined, { [variable]: given, [setting.env[0]]: "12" });
          assert.notDeepEqual(resolvedValue(earlier, name), resolved);
        }
      });
    });
  }

  it("the variables tests and the demo blank are those of every credential setting, in table order", () => {
    assert.deepEqual(CREDENTIAL_VARIABLES, [
      "MARKETPLACE_ACCESS_TOKEN",
      "MARKETPLACE_INGESTION_ACCESS_TOKEN",
      "AZURE_TENANT_ID",
      "ARM_TENANT_ID",
      "AZURE_CLIENT_ID",
      "ARM_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
      "ARM_CLIENT_SECRET",
      "AZURE_FEDERATED_TOKEN_FILE",
      "AZURE_AUTHORITY_HOST",
    ]);
  });
});

/**
 * The README's settings tables, as prettier lays them out: one for the settings stack config may
 * give, one for the operator's tuning (environment only).
 */
function settingsTables(): string[] {
  const stack = SETTING_ROWS.filter(([, s]) => s.config !== undefined).map(([, s]) => [
    `\`${CONFIG_NAMESPACE}:${s.config}\`${s.secret ? " (secret)" : ""}`,
    ...cells(s),
  ]);
  const tuning = SETTING_ROWS.filter(([, s]) => s.config === undefined).map(([, s]) => cells(s));
  return [
    markdownTable(["Stack config", "Environment", "Default", "Meaning"], stack),
    markdownTable(["Environment (only)", "Default", "Meaning"], tuning),
  ];
}

function cells(s: Setting): string[] {
  return [s.env.map((variable) => `\`${variable}\``).join(", "), s.default ?? "", s.doc];
}

function markdownTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(3, h.length, ...rows.map((row) => row[i].length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

describe("settings: the README documents the table", () => {
  it('the tables in "Configuration and credentials" are the table, key by key, variable by variable', () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");
    const start = readme.indexOf("\n## Configuration and credentials\n");
    const end = readme.indexOf("\n## ", start + 1);
    assert.ok(start >= 0 && end > start, 'README.md has no "## Configuration and credentials" section');
    const section = readme.slice(start, end);
    for (const table of settingsTables()) {
      assert.ok(
        section.includes(table),
        'A settings table in README.md (section "Configuration and credentials") differs from ' +
          "provider/core/settingTable.ts. Replace the table that starts with the same header with these " +
          `lines (the table in the code is the source):\n\n${table}\n`,
      );
    }
  });
});
