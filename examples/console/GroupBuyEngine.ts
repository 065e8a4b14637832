/**
 * The engine every example runs on: GroupBuy's router over all of core (`CoreLive`: PostgreSQL when DATABASE_URL is
 * set, otherwise embedded PGlite in DATA_DIR, default ./data), in-memory sessions, the sandbox payment gateway, a
 * bot fleet that delivers proactive messages, and adapter events. Examples are composition roots, so they may
 * import core; adapters themselves only ever see `TurnHandler`.
 */
import { AdapterEvents, BotFleet, TurnHandler } from "@groupbuy/adapters"
import { CoreLive } from "@groupbuy/core"
import { BroadcastChannelsStatic, PaymentGatewayTest, RouterLive, SessionStoreMemory } from "@groupbuy/router"
import { Layer } from "effect"

export const GroupBuyEngine = TurnHandler.fromRouter.pipe(
  Layer.provideMerge(RouterLive()),
  Layer.provideMerge(
    Layer.mergeAll(SessionStoreMemory, BroadcastChannelsStatic([]), PaymentGatewayTest, BotFleet.layer)
  ),
  Layer.provideMerge(AdapterEvents.layer),
  Layer.provideMerge(CoreLive)
)
