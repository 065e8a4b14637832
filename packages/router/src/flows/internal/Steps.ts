/**
 * Step builders: the state configs the flows repeat, as functions of the names they differ in. Each returns
 * `{ [state]: config }` to spread into `states`, so a state's own name is written once. Guard and action names stay
 * literal types, so `createMachine` checks every one against the machine's `setup` (`FlowSetup`, which also has the
 * shared guards and actions named here: `isUserInput`, `clearNotice`, `noticeFirstStep`, `noticeUnexpected`,
 * `noticeFailure`, `replyWait`).
 */

/** A transition the caller spells out (a choice on a confirm step, an I/O outcome, an extra input). */
export interface Step<G extends string, A extends string> {
  readonly guard?: G
  readonly target?: string
  readonly reenter?: boolean
  readonly actions?: A | ReadonlyArray<A>
}

/** Show the step again (its entry asks anew) after `actions` set the notice. */
const stay = <S extends string, A extends string>(self: S, actions: A) => ({
  target: self,
  reenter: true as const,
  actions
})

/** Back to `back`, or, on the first step (`null`), stay and say that this is the first step. */
const backFrom = <S extends string>(self: S, back: string | null) =>
  back === null ? stay(self, "noticeFirstStep") : back

const unexpected = <S extends string, A extends string>(self: S, actions: A) => ({
  guard: "isUserInput" as const,
  ...stay(self, actions)
})

const state = <S extends string, C>(self: S, config: C) => ({ [self]: config }) as { readonly [K in S]: C }

/**
 * A step filled by a typed value (or a media message): entry `ask` then clear the notice; Back; a `valid` value is
 * saved by `save` and goes `next`, any other one re-asks with `reject`; with `skip` (an action name), the "skip"
 * action (`isSkip`) runs it and goes `next`, and so does a skip typed in words ("-", "нет", "skip"); other input re-asks with `unexpected` (`noticeUnexpected`). `on` adds
 * transitions for other kinds of input (a shared contact).
 */
export const typed = <
  const S extends string,
  const Q extends string,
  const G extends string,
  const V extends string,
  const R extends string,
  const U extends string = "noticeUnexpected",
  const O extends { readonly contact?: ReadonlyArray<Step<string, string>> } = {},
  const K extends string | undefined = undefined
>(
  self: S,
  step: {
    readonly ask: Q
    readonly valid: G
    readonly save: V
    readonly reject: R
    readonly next: string
    /** null on the first step */
    readonly back: string | null
    /** the action that skips the step (the step cannot be skipped without one) */
    readonly skip?: K
    /** the event the value comes in (`text` unless said) */
    readonly input?: "text" | "media"
    readonly unexpected?: U
    readonly on?: O
  }
) => {
  const value = [{ guard: step.valid, target: step.next, actions: step.save }, stay(self, step.reject)] as const
  const skip =
    step.skip === undefined ? {} : { action: { guard: "isSkip" as const, target: step.next, actions: step.skip } }
  // a skippable step also takes "-", "нет", "skip" typed instead of pressing Skip (before they could be a value)
  const typedSkip = (
    step.skip === undefined ? [] : [{ guard: "isSkip", target: step.next, actions: step.skip }]
  ) as NoInfer<K> extends string ? ReadonlyArray<{ guard: "isSkip"; target: string; actions: K }> : readonly []
  return state(self, {
    entry: [step.ask, "clearNotice"] as const,
    on: {
      back: backFrom(self, step.back),
      ...(step.on as NoInfer<O>),
      ...(step.input === "media" ? { media: value, text: typedSkip } : { text: [...typedSkip, ...value] }),
      ...(skip as NoInfer<K> extends string ? { action: { guard: "isSkip"; target: string; actions: K } } : {}),
      "*": unexpected(self, (step.unexpected ?? "noticeUnexpected") as NoInfer<U>)
    }
  })
}

/**
 * A step answered by a button or typed text alike, every input tried in one `*` list: a `valid` one is saved by
 * `save` and goes `next`; then, with `typed`, input of the right kind (`typed.guard`) re-asks with `typed.reject`;
 * any other user input re-asks with `unexpected` (`noticeUnexpected`).
 */
export const choice = <
  const S extends string,
  const Q extends string,
  const G extends string,
  const V extends string,
  const U extends string = "noticeUnexpected",
  const T extends { readonly guard: string; readonly reject: string } | undefined = undefined
>(
  self: S,
  step: {
    readonly ask: Q
    readonly valid: G
    readonly save: V
    readonly next: string
    /** null on the first step */
    readonly back: string | null
    readonly typed?: T
    readonly unexpected?: U
  }
) => {
  const typed = step.typed === undefined ? [] : [{ guard: step.typed.guard, ...stay(self, step.typed.reject) }]
  return state(self, {
    entry: [step.ask, "clearNotice"] as const,
    on: {
      back: backFrom(self, step.back),
      "*": [
        { guard: step.valid, target: step.next, actions: step.save },
        ...(typed as NoInfer<T> extends { readonly guard: infer TG; readonly reject: infer TR }
          ? [{ guard: TG; target: S; reenter: true; actions: TR }]
          : []),
        unexpected(self, (step.unexpected ?? "noticeUnexpected") as NoInfer<U>)
      ] as const
    }
  })
}

/**
 * A step that shows `show` (a summary, a question) and waits for one of the `action` choices; Back goes to `back`,
 * other input shows it again with `noticeUnexpected`.
 */
export const confirm = <const S extends string, const A extends string, const C extends Step<string, string>>(
  self: S,
  step: { readonly show: A; readonly back: string; readonly action: C | ReadonlyArray<C> }
) =>
  state(self, {
    entry: [step.show, "clearNotice"] as const,
    on: { back: step.back, action: step.action, "*": unexpected(self, "noticeUnexpected") }
  })

/**
 * Waiting for the engine to perform the request `send` emits: `done` on success; `failed` (checked in order) for
 * refusals handled apart; any other outcome of the request (`result`) goes back to `fallback` with the engine's
 * message (`noticeFailure`). User input meanwhile gets "please wait".
 */
export const submitting = <
  const S extends string,
  const A extends string,
  const G extends string,
  const D extends Step<string, string>,
  const X extends ReadonlyArray<Step<string, string>> = readonly []
>(
  self: S,
  step: {
    readonly send: A
    readonly done: D
    readonly failed?: X
    readonly result: G
    readonly fallback: string
  }
) => {
  const refused = { guard: step.result, target: step.fallback, actions: "noticeFailure" as const }
  return state(self, {
    entry: step.send,
    on: {
      "io.done": [step.done, refused] as const,
      "io.failed": [...((step.failed ?? []) as NoInfer<X>), refused] as const,
      "*": { guard: "isUserInput" as const, actions: "replyWait" as const }
    }
  })
}
