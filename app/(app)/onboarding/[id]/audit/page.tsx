import { AuditTrail } from "@/components/onboarding/audit-trail";

export const metadata = { title: "Audit trail" };

export default async function AuditPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AuditTrail id={id} />;
}
