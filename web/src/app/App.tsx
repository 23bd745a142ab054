import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';
import { ApiError } from '../api/client';
import { LanguageProvider } from '../i18n/language';
import { ActivatePage } from '../pages/ActivatePage';
import { ChangePasswordPage } from '../pages/ChangePasswordPage';
import { DashboardPage } from '../pages/DashboardPage';
import { LoginPage } from '../pages/LoginPage';
import { NewRecommendationPage } from '../pages/NewRecommendationPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { NotificationsPage } from '../pages/NotificationsPage';
import { RecommendationDetailPage } from '../pages/RecommendationDetailPage';
import { RecommendationListPage } from '../pages/RecommendationListPage';
import { ConsoleConfig } from './ConsoleConfig';
import { ConsoleLayout } from './ConsoleLayout';
import { RequireSession } from './session';
import './console.css';

export const ROUTES: RouteObject[] = [
  { path: '/login', element: <LoginPage /> },
  { path: '/activate', element: <ActivatePage /> },
  {
    path: '/change-password',
    element: (
      <RequireSession>
        <ChangePasswordPage />
      </RequireSession>
    ),
  },
  {
    element: (
      <RequireSession>
        <ConsoleLayout />
      </RequireSession>
    ),
    children: [
      { index: true, element: <DashboardPage /> },
      { path: 'recommendations', element: <RecommendationListPage /> },
      { path: 'recommendations/new', element: <NewRecommendationPage /> },
      { path: 'recommendations/:id', element: <RecommendationDetailPage /> },
      { path: 'notifications', element: <NotificationsPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // An answer the API gave (403, 404, 400…) will not change by asking again; a lost connection may.
      retry: (failures, error) => !(error instanceof ApiError) && failures < 2,
      refetchOnWindowFocus: true,
    },
  },
});

const router = createBrowserRouter(ROUTES);

export function ConsoleApp() {
  return (
    <QueryClientProvider client={queryClient}>
      <LanguageProvider>
        <ConsoleConfig>
          <RouterProvider router={router} />
        </ConsoleConfig>
      </LanguageProvider>
    </QueryClientProvider>
  );
}
