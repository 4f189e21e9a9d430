/**
 * The set-up every real-engine suite of the cancellation shares: the engine, one emulator with
 * the suite's seed, a token it accepts, and a stack per offer running `fixtures/cancelProgram`.
 * Call it inside a `describe`: it registers that suite's `before`/`after` hooks.
 */
import * as os from "node:os";
import * as path from "node:path";
import { Emulator, Seed, startEmulator } from "../../emulator";
import { ensurePulumi } from "../../tools/engine/ensurePulumi";
import { EngineStack, WITHOUT_MACHINE_CREDENTIALS } from "../../tools/engine/stack";

export const PUBLISHER = "contoso";
const programModule = path.join(__dirname, "fixtures", "cancelProgram.js");

export interface CancellationStacks {
  readonly emu: Emulator;
  /** Accepted for every publisher for a day. */
  readonly token: string;
  /**
   * A stack for one offer. The token goes in as secret stack config, as the README says, unless
   * `withToken` is false; credentials of the machine running the tests never count.
   */
  stackFor(offerId: string, extra?: Record<string, string>, withToken?: boolean): Promise<EngineStack>;
  /**
   * A stack named `stackName` running another program module (e.g. `fixtures/ingestionProgram`),
   * with the same secret token and cleared machine credentials; `e2e:endpoint` is the emulator.
   */
  stackOf(
    programModule: string,
    stackName: string,
    config: Record<string, string>,
    withToken?: boolean,
  ): Promise<EngineStack>;
  /** Cleans up a stack the suite made by itself, with the others. */
  track(stack: EngineStack): EngineStack;
}

export function useCancellationStacks(seed: Seed): CancellationStacks {
  let emu: Emulator | undefined;
  let token: string | undefined;
  const stacks: EngineStack[] = [];

  before(async () => {
    await ensurePulumi({ log: (line) => process.stderr.write(`[engine] ${line}\n`) });
    emu = await startEmulator({ seed });
    token = emu.issueToken({ publishers: ["*"], lifetimeSeconds: 24 * 3600 });
  });
  after(async () => {
    for (const s of stacks) await s.cleanup();
    await emu?.close();
  });

  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useCancellationStacks: used before its before() hook ran");
    return value;
  };
  return {
    get emu() {
      return ready(emu);
    },
    get token() {
      return ready(token);
    },
    async stackFor(offerId, extra = {}, withToken = true) {
      const config = { "e2e:publisherId": PUBLISHER, "e2e:offerId": offerId, ...extra };
      return this.stackOf(programModule, offerId, config, withToken);
    },
    async stackOf(module, name, extra, withToken = true) {
      const config: Record<string, string | { value: string; secret: boolean }> = {
        "e2e:endpoint": ready(emu).url,
        ...extra,
      };
      // The emulator's admin token is good for both APIs; each resource reads its API's own setting.
      if (withToken) {
        config["marketplace:accessToken"] = { value: ready(token), secret: true };
        config["marketplace:ingestionAccessToken"] = { value: ready(token), secret: true };
      }
      // No credential of the machine running the tests reaches the provider.
      const envVars: Record<string, string> = { ...WITHOUT_MACHINE_CREDENTIALS };
      // A stack without credentials reaches the standard chain: only its Azure CLI member, with a
      // configuration directory of its own (no login in it), so nothing probes the managed-identity
      // endpoint and no login of the machine running the tests is used.
      envVars.AZURE_TOKEN_CREDENTIALS = "AzureCliCredential";
      envVars.AZURE_CONFIG_DIR = path.join(os.tmpdir(), "pmc-e2e-no-azure-login");
      const stackName = name.replace(/[^a-z0-9-]/g, "");
      return this.track(await EngineStack.create({ programModule: module, config, envVars, stackName }));
    },
    track(stack) {
      stacks.push(stack);
      return stack;
    },
  };
}
