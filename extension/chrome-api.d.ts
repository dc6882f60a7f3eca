/**
 * The few extension APIs the panel uses, typed here rather than pulling in @types/chrome.
 * See https://developer.chrome.com/docs/extensions/reference/api/devtools/inspectedWindow
 */
interface ChromeEvalException {
  readonly isError?: boolean;
  readonly isException?: boolean;
  readonly value?: string;
  readonly description?: string;
}

interface ChromeApi {
  readonly devtools?: {
    readonly inspectedWindow: {
      readonly tabId: number;
      eval(expression: string, callback: (result: unknown, exception?: ChromeEvalException) => void): void;
    };
    readonly panels: {
      create(title: string, iconPath: string, pagePath: string, callback?: (panel: unknown) => void): void;
    };
  };
  readonly scripting?: {
    executeScript<A extends unknown[], R>(injection: {
      target: { tabId: number };
      world: 'MAIN' | 'ISOLATED';
      func: (...args: A) => R;
      args: A;
    }): Promise<{ result?: R }[]>;
  };
}

declare const chrome: ChromeApi;
