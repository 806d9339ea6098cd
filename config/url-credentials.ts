/**
 * The one rule for credentials in a URL of the config file (llm.baseUrl, llm.managementUrl,
 * kodus.publicUrl, kodus.webhooksUrl, the state backends' endpoints): none. A credential a URL
 * legitimately needs comes from a secret or the environment of the machine that uses it, never
 * from the config, which is committed and written into the synthesized output. The loader
 * masks the user-info part of a rejected URL (config/load.ts, showValue).
 */

/** scheme://authority with no "@" in the authority: no user name or password in the URL. */
export const NO_USERINFO = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@]*([/?#]\S*)?$/;

/** The message for a URL with user info; `where` says where the credential belongs instead. */
export const noCredentialsError = (where: string): string => `must not contain credentials (user:password@): ${where}`;
