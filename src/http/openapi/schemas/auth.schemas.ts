import { ORGANIZATION_TYPES, PRINCIPAL_STATUSES, ROLES } from '../../../common/access/principal';
import { dateTime, nullable, obj, oneOf, str, uuid } from './schema-kit';

/** The auth answers' schemas (components.schemas): the views its services return. */
export const AUTH_SCHEMAS = {
  Organization: obj({
    id: uuid,
    name: str,
    type: oneOf(ORGANIZATION_TYPES),
    iatiRef: str,
    iatiType: str,
  }, ['iatiRef', 'iatiType']),
  Principal: obj({
    id: uuid,
    name: str,
    role: oneOf(ROLES),
    organizationId: uuid,
    email: nullable(str),
    status: oneOf(PRINCIPAL_STATUSES),
    requestedBy: nullable(uuid),
    approvedBy: nullable(uuid),
    createdAt: dateTime,
    revokedAt: nullable(dateTime),
  }),
  PrincipalRequest: obj({
    id: uuid,
    name: str,
    role: oneOf(ROLES),
    organizationId: uuid,
    status: str,
    requestedBy: uuid,
    claimToken: str,
  }),
  PrincipalApproval: obj({
    id: uuid,
    status: str,
    approvedBy: uuid,
  }),
  ClaimedPrincipal: obj({
    id: uuid,
    apiKey: str,
  }),
  /** A console invitation: the URL is the secret. */
  Invitation: obj({ url: str, expiresAt: dateTime }),
  SigningKey: obj({
    keyId: str,
  }),
};
