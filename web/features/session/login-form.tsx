'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import type { FormEvent } from 'react';
import { Button } from '@web/components/button';
import { Input } from '@web/components/input';
import { errorCode, errorMessage, fieldErrors } from '@web/lib/errors';
import { safeNextPath } from '@web/lib/next-path';
import { useTRPC } from '@web/lib/trpc';

/** What a failed sign-in says to a person (the API's 401 text is written for API clients). */
function loginFailure(e: unknown, withProject: boolean): string {
  switch (errorCode(e)) {
    case 'UNAUTHORIZED':
      return withProject
        ? 'The user name or password is incorrect, or you have no access to that project.'
        : 'The user name or password is incorrect.';
    case 'TOO_MANY_REQUESTS':
      return errorMessage(e);
    case 'BAD_REQUEST':
      return 'Enter your user name and password.';
    default:
      return errorMessage(e);
  }
}

export function LoginForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get('next'));

  const login = useMutation(
    trpc.session.login.mutationOptions({
      onSuccess(me) {
        // nothing cached under another user may survive a sign-in
        queryClient.clear();
        queryClient.setQueryData(trpc.session.me.queryKey(), me);
        router.replace(next);
      },
    }),
  );

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const project = String(form.get('project') ?? '').trim();
    login.mutate({
      name: String(form.get('name') ?? ''),
      password: String(form.get('password') ?? ''),
      project: project || undefined,
    });
  };

  const fields = fieldErrors(login.error);
  const withProject = !!login.variables?.project;

  return (
    <main className="centered">
      <div className="card card--narrow">
        <p className="brand">
          <img src="/favicon.svg" alt="" /> Cumulo
        </p>
        <h1>Sign in</h1>
        <form className="form" onSubmit={submit} noValidate aria-describedby={login.error ? 'login-error' : undefined}>
          {login.error && (
            <p className="form__error" id="login-error" role="alert">
              {loginFailure(login.error, withProject)}
            </p>
          )}
          <Input label="User name" name="name" autoComplete="username" required autoFocus error={fields.name} />
          <Input
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            error={fields.password}
          />
          <details>
            <summary>Sign in to a specific project</summary>
            <Input
              label="Project"
              name="project"
              hint="Leave empty to use your default project."
              error={fields.project}
            />
          </details>
          <Button type="submit" variant="primary" loading={login.isPending || login.isSuccess}>
            Sign in
          </Button>
        </form>
      </div>
    </main>
  );
}
