/** Sign-up, sign-in and account-recovery endpoints (`/v1/auth/...`). */
import type { LoginResult, RegisterBody, Session } from '@walkydoggy/shared';
import { api } from './client';

export type TwoFactorProof = { code: string } | { recoveryCode: string };

export const authApi = {
  register: (body: RegisterBody) => api.post('/auth/register', body, { auth: false }),
  verifyEmail: (token: string) => api.post('/auth/verify-email', { token }, { auth: false }),
  resendVerification: (email: string) => api.post('/auth/resend-verification', { email }, { auth: false }),
  login: (email: string, password: string) => api.post<LoginResult>('/auth/login', { email, password }, { auth: false }),
  loginTwoFactor: (challengeToken: string, proof: TwoFactorProof) =>
    api.post<Session & { twoFactorRequired: false }>('/auth/login/2fa', { challengeToken, ...proof }, { auth: false }),
  refresh: () => api.post<Session>('/auth/refresh-token', {}, { auth: false }),
  logout: () => api.post('/auth/logout', {}),
  forgotPassword: (email: string) => api.post('/auth/forgot-password', { email }, { auth: false }),
  resetPassword: (token: string, password: string) => api.post('/auth/reset-password', { token, password }, { auth: false }),
};

export const twoFactorApi = {
  setup: () => api.post<{ secret: string; otpauthUrl: string }>('/auth/2fa/setup', {}),
  enable: (code: string) => api.post<{ recoveryCodes: string[] }>('/auth/2fa/enable', { code }),
  disable: (password: string, proof: TwoFactorProof) => api.post('/auth/2fa/disable', { password, ...proof }),
  regenerateRecoveryCodes: (code: string) => api.post<{ recoveryCodes: string[] }>('/auth/2fa/recovery-codes', { code }),
};
