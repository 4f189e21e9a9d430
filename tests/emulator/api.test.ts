// Specification: the shape of the programmatic Emulator. What both APIs share sits at top level,
// each API has one member (`emu.cpp`, `emu.ingestion`), and the CPP methods also stay at top level,
// deprecated, for the scripts written before `emu.cpp` existed.

import assert from "node:assert/strict";

import { SeedError } from "../../emulator";
import { useEmulator } from "./helpers";

describe("emulator: the Emulator object", () => {
  const ctx = useEmulator({}, "test");

  it("has one member per API, each driving its own routes' state", () => {
    ctx.emu.cpp.configureOffer("contoso", "shape-offer", { cancelMode: "sync" });
    assert.equal(ctx.emu.cpp.getOffer("contoso", "shape-offer").config.cancelMode, "sync");
    const product = ctx.emu.ingestion.addProduct("shape-product");
    assert.equal(ctx.emu.ingestion.findProduct("shape-product")?.id, product.id);
  });

  it("keeps configureOffer, startOperation, getOffer, getOperation and deleteOperation at top level, acting on emu.cpp's state", () => {
    ctx.emu.configureOffer("contoso", "old-script-offer", { cancelMode: "sync", operationSeconds: 60 });
    assert.equal(ctx.emu.cpp.getOffer("contoso", "old-script-offer").config.cancelMode, "sync");

    const started = ctx.emu.startOperation("contoso", "old-script-offer", "publish");
    assert.equal(ctx.emu.cpp.getOperation(started.id)?.kind, "publish");
    assert.equal(ctx.emu.getOperation(started.id)?.startedAt, started.startedAt);
    assert.equal(ctx.emu.getOffer("contoso", "old-script-offer").currentOperation?.id, started.id);

    ctx.emu.deleteOperation(started.id);
    assert.equal(ctx.emu.cpp.getOperation(started.id), undefined);
  });

  it("the top-level CPP methods refuse what emu.cpp refuses", () => {
    assert.throws(
      () => ctx.emu.configureOffer("contoso", "contoso-offer", { cancelMode: "later" as "sync" }),
      SeedError,
    );
    assert.throws(
      () => ctx.emu.getOffer("contoso", "no-such-offer"),
      /Offer 'no-such-offer' of publisher 'contoso' does not exist/,
    );
    assert.throws(() => ctx.emu.startOperation("contoso", "contoso-offer", "publish"), /already in progress/);
  });
});
