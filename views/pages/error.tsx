import { Document } from '../layouts/document.tsx'

export function ErrorPage(props: { status: number; title: string; message: string }) {
  return (
    <Document title={`${props.title} · Herald`} bodyClass="error-page">
      <main class="narrow">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p class="muted">HTTP {props.status}</p>
        <p>
          <a href="/">Go to the status page</a>
        </p>
      </main>
    </Document>
  )
}

export function NotFoundPage() {
  return <ErrorPage status={404} title="Not found" message="There is nothing at this address." />
}
