/**
 * A readable, non-secret cookie (value `1`, path `/`) that the API sets beside the httpOnly refresh
 * cookie and clears with it. The web app asks to refresh a session at start only when it is there, so
 * a signed-out page load sends no request that is known to fail.
 */
export const SESSION_HINT_COOKIE = 'wd_session';
