/**
 * How the demo's stacks sign in, the way a CI pipeline would: a client secret in secret stack
 * config, exchanged by `@azure/identity` at the emulator's Entra routes (the emulator's URL is the
 * authority host). Both sections use it; each resource asks for its own API's audience. The
 * machine's own Azure credentials are blanked, so they never count.
 */
import type { Emulator } from "../../emulator";
import { WITHOUT_MACHINE_CREDENTIALS } from "../../tools/engine/stack";

export function signInConfig(emu: Emulator): Record<string, string | { value: string; secret: boolean }> {
  return {
    "marketplace:tenantId": "demo-tenant",
    "marketplace:clientId": "demo-client",
    "marketplace:clientSecret": { value: "demo-secret", secret: true },
    "marketplace:authorityHost": emu.url,
  };
}

export { WITHOUT_MACHINE_CREDENTIALS as machineCredentialsBlanked };
