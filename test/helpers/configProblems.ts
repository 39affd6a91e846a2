import { ConfigError, parseConfig } from '../../src/config';

/** The problems parseConfig reports, or [] when it accepts the environment. */
export function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}
