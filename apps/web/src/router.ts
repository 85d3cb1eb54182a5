import { createRouter, createWebHistory, type RouteLocationRaw, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router';
import type { Role } from '@walkydoggy/shared';
import { useSessionStore } from './stores/session';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Only for signed-in people; others are sent to sign-in and brought back afterwards. */
    requiresAuth?: boolean;
    /** Only for signed-out people (landing, sign-in, sign-up); others go to the dashboard. */
    guestOnly?: boolean;
    roles?: readonly Role[];
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('./pages/LandingPage.vue'), meta: { guestOnly: true, title: 'Pet care you can trust' } },
  { path: '/signup', name: 'signup', component: () => import('./pages/SignUpPage.vue'), meta: { guestOnly: true, title: 'Sign up' } },
  { path: '/signin', name: 'signin', component: () => import('./pages/SignInPage.vue'), meta: { guestOnly: true, title: 'Sign in' } },
  { path: '/verify-email', name: 'verify-email', component: () => import('./pages/VerifyEmailPage.vue'), meta: { title: 'Confirm your e-mail' } },
  { path: '/forgot-password', name: 'forgot-password', component: () => import('./pages/ForgotPasswordPage.vue'), meta: { title: 'Forgot password' } },
  { path: '/reset-password', name: 'reset-password', component: () => import('./pages/ResetPasswordPage.vue'), meta: { title: 'Choose a new password' } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue'), meta: { requiresAuth: true, title: 'Dashboard' } },
  { path: '/profile', name: 'profile', component: () => import('./pages/ProfilePage.vue'), meta: { requiresAuth: true, title: 'Profile' } },
  { path: '/search', name: 'search', component: () => import('./pages/SearchPage.vue'), meta: { title: 'Find pet care' } },
  { path: '/businesses/:id', name: 'business', component: () => import('./pages/BusinessPage.vue'), meta: { title: 'Business' } },
  { path: '/pets', name: 'pets', component: () => import('./pages/PetsPage.vue'), meta: { requiresAuth: true, roles: ['pet_owner'], title: 'My pets' } },
  {
    path: '/pets/new',
    name: 'pet-new',
    component: () => import('./pages/PetPage.vue'),
    meta: { requiresAuth: true, roles: ['pet_owner'], title: 'Add a pet' },
  },
  { path: '/pets/:id', name: 'pet', component: () => import('./pages/PetPage.vue'), meta: { requiresAuth: true, roles: ['pet_owner'], title: 'Pet' } },
  {
    path: '/invitations/pet',
    name: 'pet-invitation',
    component: () => import('./pages/PetInvitationPage.vue'),
    meta: { requiresAuth: true, title: 'Pet invitation' },
  },
  {
    path: '/invitations/worker',
    name: 'worker-invitation',
    component: () => import('./pages/WorkerInvitationPage.vue'),
    meta: { title: 'Join a team' },
  },
  {
    path: '/book/:serviceId',
    name: 'book',
    component: () => import('./pages/BookServicePage.vue'),
    meta: { requiresAuth: true, roles: ['pet_owner'], title: 'Book' },
  },
  {
    path: '/bookings',
    name: 'bookings',
    component: () => import('./pages/MyBookingsPage.vue'),
    meta: { requiresAuth: true, roles: ['pet_owner'], title: 'My bookings' },
  },
  {
    path: '/bookings/series/:id',
    name: 'booking-series',
    component: () => import('./pages/SeriesPage.vue'),
    meta: { requiresAuth: true, roles: ['pet_owner'], title: 'Weekly series' },
  },
  {
    path: '/bookings/:id',
    name: 'booking',
    component: () => import('./pages/BookingPage.vue'),
    meta: { requiresAuth: true, title: 'Booking' },
  },
  {
    path: '/bookings/:id/live',
    name: 'booking-live',
    component: () => import('./pages/LiveTrackingPage.vue'),
    meta: { requiresAuth: true, title: 'Live walk' },
  },
  {
    path: '/bookings/:id/report',
    name: 'walk-report',
    component: () => import('./pages/WalkReportPage.vue'),
    meta: { requiresAuth: true, title: 'Walk report' },
  },
  {
    path: '/bookings/:id/pay',
    name: 'booking-pay',
    component: () => import('./pages/BookingPayPage.vue'),
    meta: { requiresAuth: true, roles: ['pet_owner'], title: 'Pay for your booking' },
  },
  {
    path: '/bookings/:id/confirmed',
    name: 'booking-confirmed',
    component: () => import('./pages/BookingConfirmedPage.vue'),
    meta: { requiresAuth: true, roles: ['pet_owner'], title: 'Booking requested' },
  },
  {
    path: '/bookings/:id/edit',
    name: 'booking-edit',
    component: () => import('./pages/EditBookingPage.vue'),
    meta: { requiresAuth: true, roles: ['pet_owner'], title: 'Change your booking' },
  },
  {
    // Receipt mails link here; a signed-out reader signs in first and is brought back (see the guard below).
    path: '/payments/:id/invoice',
    name: 'invoice',
    component: () => import('./pages/InvoicePage.vue'),
    meta: { requiresAuth: true, title: 'Invoice' },
  },
  {
    path: '/business',
    name: 'business-dashboard',
    component: () => import('./pages/BusinessDashboardPage.vue'),
    meta: { requiresAuth: true, roles: ['business'], title: 'Your business' },
  },
  {
    path: '/business/bookings',
    name: 'business-bookings',
    component: () => import('./pages/BusinessBookingsPage.vue'),
    meta: { requiresAuth: true, roles: ['business'], title: 'Bookings' },
  },
  {
    path: '/business/earnings',
    name: 'business-earnings',
    component: () => import('./pages/BusinessEarningsPage.vue'),
    meta: { requiresAuth: true, roles: ['business'], title: 'Earnings' },
  },
  {
    path: '/business/payouts',
    name: 'business-payouts',
    component: () => import('./pages/BusinessPayoutsPage.vue'),
    meta: { requiresAuth: true, roles: ['business'], title: 'Payouts' },
  },
  { path: '/team', redirect: { path: '/business', hash: '#team' } },
  {
    path: '/worker',
    name: 'worker',
    component: () => import('./pages/WorkerPage.vue'),
    meta: { requiresAuth: true, roles: ['worker'], title: 'Worker profile' },
  },
  {
    path: '/worker/today',
    name: 'worker-today',
    component: () => import('./pages/WorkerTodayPage.vue'),
    meta: { requiresAuth: true, roles: ['worker'], title: 'Today' },
  },
  {
    path: '/notifications',
    name: 'notifications',
    component: () => import('./pages/NotificationsPage.vue'),
    meta: { requiresAuth: true, title: 'Notifications' },
  },
  {
    path: '/settings/notifications',
    name: 'notification-settings',
    component: () => import('./pages/NotificationSettingsPage.vue'),
    meta: { requiresAuth: true, title: 'Notification settings' },
  },
  {
    path: '/schedule',
    name: 'schedule',
    component: () => import('./pages/WorkerSchedulePage.vue'),
    meta: { requiresAuth: true, roles: ['worker'], title: 'My schedule' },
  },
  {
    path: '/admin/businesses',
    name: 'admin-businesses',
    component: () => import('./pages/AdminBusinessesPage.vue'),
    meta: { requiresAuth: true, roles: ['admin'], title: 'Verify businesses' },
  },
  {
    path: '/admin/bookings',
    name: 'admin-bookings',
    component: () => import('./pages/AdminBookingsPage.vue'),
    meta: { requiresAuth: true, roles: ['admin'], title: 'All bookings' },
  },
  {
    path: '/admin/settings',
    name: 'admin-settings',
    component: () => import('./pages/AdminSettingsPage.vue'),
    meta: { requiresAuth: true, roles: ['admin'], title: 'Admin settings' },
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue'), meta: { title: 'Page not found' } },
];

/** Only same-app paths are accepted as a `redirect`, so a crafted link cannot send people elsewhere. */
export function safeRedirect(value: unknown): RouteLocationRaw {
  if (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//')) return value;
  return { name: 'dashboard' };
}

/** Where a signed-in person of `role` lands (sign-in, the dashboard link, a page their role may not open). */
export function homeOf(role: Role | null | undefined): { name: 'dashboard' | 'business-dashboard' | 'worker-today' } {
  if (role === 'business') return { name: 'business-dashboard' };
  if (role === 'worker') return { name: 'worker-today' };
  return { name: 'dashboard' };
}

export function createAppRouter(history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({
    history,
    routes,
    scrollBehavior: (to, _from, saved) => saved ?? (to.hash ? { el: to.hash, top: 80 } : { top: 0 }),
  });

  router.beforeEach(async (to) => {
    const session = useSessionStore();
    await session.restore();
    if (to.meta.requiresAuth && !session.isSignedIn) return { name: 'signin', query: { redirect: to.fullPath } };
    if (to.meta.guestOnly && session.isSignedIn) return { name: 'dashboard' };
    if (to.meta.roles && (!session.role || !to.meta.roles.includes(session.role))) return homeOf(session.role);
    // Every role lands on its own home: managers on their business, workers on Today (the dashboard
    // stays while two-factor sign-in must be set up: it says so, and the rest is locked until then).
    if (to.name === 'dashboard' && !session.user?.twoFactorSetupRequired) {
      const home = homeOf(session.role);
      if (home.name !== 'dashboard') return home;
    }
    return true;
  });

  router.afterEach((to) => {
    document.title = to.meta.title ? `${to.meta.title} · WalkyDoggy` : 'WalkyDoggy';
  });

  return router;
}
