import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, onAuthProblem, setCsrfToken } from '../api/client';
import type { Me, MeUnit } from '../api/types';
import type { Role } from '../../server/modules/orgs/domain';

interface AuthState {
  me: Me | null;
  loading: boolean;
  /** The password step: a session (Me), or a second-factor challenge. */
  login(username: string, password: string): Promise<Me | SecondFactorChallenge>;
  loginSecondFactor(challenge: string, answer: { code: string } | { recoveryCode: string }): Promise<Me>;
  logout(): Promise<void>;
  refresh(): Promise<Me | null>;
  setMe(me: Me): void;
}

export interface SecondFactorChallenge {
  secondFactor: 'totp' | 'sm2-ukey';
  challenge: string;
}

export const isChallenge = (r: Me | SecondFactorChallenge): r is SecondFactorChallenge =>
  'challenge' in r && typeof r.challenge === 'string';

const AuthContext = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMeState] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const setMe = useCallback((next: Me | null) => {
    setCsrfToken(next?.csrfToken ?? null);
    setMeState(next);
  }, []);

  const refresh = useCallback(async () => {
    try {
      const m = await api.get<Me>('/api/auth/me');
      setMe(m);
      return m;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        setMe(null);
        return null;
      }
      throw e;
    } finally {
      setLoading(false);
    }
  }, [setMe]);

  useEffect(() => {
    void refresh().catch(() => setLoading(false));
  }, [refresh]);

  useEffect(
    () =>
      onAuthProblem((err) => {
        if (err.status === 401) setMe(null);
        else if (err.code === 'password_change_required')
          setMeState((m) => (m ? { ...m, mustChangePassword: true } : m));
      }),
    [setMe],
  );

  const login = useCallback(
    async (username: string, password: string) => {
      const r = await api.post<Me | SecondFactorChallenge>('/api/auth/login', { username, password });
      if (!isChallenge(r)) setMe(r);
      return r;
    },
    [setMe],
  );

  const loginSecondFactor = useCallback(
    async (challenge: string, answer: { code: string } | { recoveryCode: string }) => {
      const m = await api.post<Me>('/api/auth/login/second-factor', { challenge, ...answer });
      setMe(m);
      return m;
    },
    [setMe],
  );

  // Signing out never fails from the user's side: the session is forgotten here whatever the server
  // answers (an expired session or a lost connection must not leave the menu doing nothing).
  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout', {});
    } catch {
      // The server ends the session on its own expiry; nothing for the user to do.
    } finally {
      setMe(null);
    }
  }, [setMe]);

  const value = useMemo<AuthState>(
    () => ({ me, loading, login, loginSecondFactor, logout, refresh, setMe: (m: Me) => setMe(m) }),
    [me, loading, login, loginSecondFactor, logout, refresh, setMe],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user (pages behind the login guard only). */
export function useMe(): Me {
  const { me } = useAuth();
  if (!me) throw new Error('useMe without a session');
  return me;
}

export function unitsWithRole(me: Me, roles: readonly Role[]): MeUnit[] {
  return me.units.filter((u) => u.roles.some((r) => roles.includes(r)));
}

export function hasRole(me: Me, roles: readonly Role[]): boolean {
  return unitsWithRole(me, roles).length > 0;
}
