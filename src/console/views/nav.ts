import type { Role } from '../../common/access/principal';

export interface NavItem {
  href: string;
  label: string;
}

/**
 * Each role's pages. A feature that adds console pages adds its entries here (the oversight
 * pages for monitors, the approval policies for admins…); the layout draws whatever is listed.
 */
export const NAV: Record<Role, NavItem[]> = {
  donor: [
    { href: '/console', label: 'Home' },
    { href: '/console/accounts', label: 'Accounts' },
  ],
  monitor: [
    { href: '/console', label: 'Awaiting decision' },
    { href: '/console/reports', label: 'Reports' },
    { href: '/console/cases', label: 'Cases' },
    { href: '/console/inspections', label: 'My inspections' },
    { href: '/console/accounts', label: 'Accounts' },
  ],
  admin: [
    { href: '/console', label: 'Approval queue' },
    { href: '/console/releases', label: 'Releases' },
    { href: '/console/accounts', label: 'Accounts' },
    { href: '/console/cases', label: 'Cases' },
    { href: '/console/inspections', label: 'Inspections' },
    { href: '/console/policy-changes', label: 'Policy changes' },
    { href: '/console/people', label: 'People' },
    { href: '/console/journal', label: 'Journal' },
  ],
  auditor: [
    { href: '/console', label: 'Home' },
    { href: '/console/journal', label: 'Journal' },
    { href: '/console/cases', label: 'Cases' },
    { href: '/console/verify', label: 'Verify' },
    { href: '/console/checkpoint', label: 'Checkpoint' },
  ],
};

export const ROLE_NAMES: Record<Role, string> = { admin: 'Administrator', donor: 'Donor', monitor: 'Monitor', auditor: 'Auditor' };
