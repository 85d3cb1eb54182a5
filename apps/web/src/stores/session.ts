/** The signed-in person: who they are, their in-memory access token, and the actions that change that. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { SESSION_HINT_COOKIE, type RegisterBody, type Role, type Session, type User } from '@walkydoggy/shared';
import { authApi, type TwoFactorProof } from '../api/auth';
import { ApiError, connectAuth, refreshOnce } from '../api/client';
import { usersApi, type ProfilePatch } from '../api/users';

export type SessionStatus = 'unknown' | 'restoring' | 'signed-in' | 'signed-out';
export type LoginOutcome = { twoFactorRequired: true; challengeToken: string } | { twoFactorRequired: false; user: User };

/** Whether the API left its session hint cookie (set with the refresh cookie, cleared with it). */
export function hasSessionHint(cookies: string = document.cookie): boolean {
  return cookies.split(';').some((c) => c.trim() === `${SESSION_HINT_COOKIE}=1`);
}

export const useSessionStore = defineStore('session', () => {
  const user = ref<User | null>(null);
  const accessToken = ref<string | null>(null);
  const status = ref<SessionStatus>('unknown');
  let restoring: Promise<void> | null = null;

  const isSignedIn = computed(() => user.value !== null && accessToken.value !== null);
  const role = computed<Role | null>(() => user.value?.role ?? null);

  function setSession(session: Session): void {
    accessToken.value = session.accessToken;
    user.value = session.user;
    status.value = 'signed-in';
  }

  function clear(): void {
    accessToken.value = null;
    user.value = null;
    status.value = 'signed-out';
  }

  let signingOut = false;

  /**
   * Trades the httpOnly refresh cookie for a fresh access token. Never throws. Sends nothing when it
   * could only fail: while signing out (the server ends this session's sockets, which then ask for a
   * refresh) or when the session hint is gone (signed out here or in another tab).
   */
  async function refresh(): Promise<boolean> {
    if (signingOut || !hasSessionHint()) {
      clear();
      return false;
    }
    try {
      const { data } = await authApi.refresh();
      setSession(data);
      return true;
    } catch {
      clear();
      return false;
    }
  }

  connectAuth({ getAccessToken: () => accessToken.value, refresh, onExpired: clear });

  /**
   * Called once when the app starts: a page reload keeps the person signed in via the cookie. The
   * refresh cookie is httpOnly; the API sets a readable hint beside it, and without the hint there is
   * no session to restore, so no request is sent (it could only fail).
   */
  function restore(): Promise<void> {
    if (status.value === 'signed-in' || status.value === 'signed-out') return Promise.resolve();
    if (!hasSessionHint()) {
      status.value = 'signed-out';
      return Promise.resolve();
    }
    restoring ??= (async () => {
      status.value = 'restoring';
      await refreshOnce();
    })().finally(() => {
      restoring = null;
    });
    return restoring;
  }

  async function login(email: string, password: string): Promise<LoginOutcome> {
    const { data } = await authApi.login(email, password);
    if (data.twoFactorRequired) return { twoFactorRequired: true, challengeToken: data.challengeToken };
    setSession(data);
    return { twoFactorRequired: false, user: data.user };
  }

  async function loginTwoFactor(challengeToken: string, proof: TwoFactorProof): Promise<User> {
    const { data } = await authApi.loginTwoFactor(challengeToken, proof);
    setSession(data);
    return data.user;
  }

  async function logout(): Promise<void> {
    signingOut = true;
    try {
      if (accessToken.value) await authApi.logout();
    } catch (err) {
      // Signing out locally must work even when the server is unreachable or the token has expired.
      if (!(err instanceof ApiError)) throw err;
    } finally {
      clear();
      signingOut = false;
    }
  }

  async function register(body: RegisterBody): Promise<string> {
    const { message } = await authApi.register(body);
    return message ?? 'Check your e-mail to confirm your address.';
  }

  /** Confirms the address; a signed-in person gets a new token, whose claims say the e-mail is verified. */
  async function verifyEmail(token: string): Promise<string> {
    const { message } = await authApi.verifyEmail(token);
    if (isSignedIn.value) await refresh();
    return message ?? 'Your e-mail address is confirmed.';
  }

  async function reloadUser(): Promise<User> {
    const { data } = await usersApi.me();
    user.value = data;
    return data;
  }

  async function updateProfile(patch: ProfilePatch): Promise<User> {
    const { data } = await usersApi.update(patch);
    user.value = data;
    return data;
  }

  /** Uploads (or with null removes) the person's picture; the answer is the updated account. */
  async function setAvatar(file: Blob | null): Promise<User> {
    const { data } = file ? await usersApi.uploadAvatar(file) : await usersApi.removeAvatar();
    user.value = data;
    return data;
  }

  /** The API revokes every other session and answers with a new one for this browser. */
  async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const { data } = await usersApi.changePassword(currentPassword, newPassword);
    setSession(data);
  }

  async function deleteAccount(password: string): Promise<void> {
    await usersApi.remove(password);
    clear();
  }

  return {
    user,
    accessToken,
    status,
    isSignedIn,
    role,
    restore,
    refresh,
    login,
    loginTwoFactor,
    logout,
    register,
    verifyEmail,
    reloadUser,
    updateProfile,
    setAvatar,
    changePassword,
    deleteAccount,
    /** A session handed out by another flow (accepting a worker invitation), kept like a sign-in. */
    adoptSession: setSession,
    resendVerification: async (email: string) => (await authApi.resendVerification(email)).message,
    forgotPassword: async (email: string) => (await authApi.forgotPassword(email)).message,
    resetPassword: async (token: string, password: string) => (await authApi.resetPassword(token, password)).message,
  };
});
