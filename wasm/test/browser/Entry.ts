// The browser bundle's entry: the scenario plus formatMessageText of the default kernels.
import { defaultKernels } from "../../src/index.js"

export { runScenario } from "./Scenario.js"

export const formatMessageText = async (text: string): Promise<string> =>
  (await defaultKernels()).formatMessageText(text)
