#!/usr/bin/perl
# Seeds a fresh private Request Tracker instance in one process (RT's Perl API, straight into its
# database): the queue, the rights customer mail and agents need, root's address, privileged agents.
# Reads JSON on stdin (see rt-seed.ts); RT_SITE_CONFIG_DIR must point at the instance's config.
use strict;
use warnings;
use lib '/usr/share/request-tracker5/lib';
use RT -init;
use JSON ();

my $seed = JSON::decode_json(do { local $/; <STDIN> });

sub check {
    my ($what, $ok, $message) = @_;
    die "rt-seed: $what: " . ($message // 'failed') . "\n" unless $ok;
}

my $queue = RT::Queue->new(RT->SystemUser);
$queue->Load($seed->{queue});
unless ($queue->id) {
    my ($id, $message) = $queue->Create(Name => $seed->{queue});
    check("create queue $seed->{queue}", $id, $message);
}

# rt-mailgate acts as the (auto-created, unprivileged) sender: Everyone may create and reply.
my $everyone = RT::Group->new(RT->SystemUser);
$everyone->LoadSystemInternalGroup('Everyone');
for my $right (@{ $seed->{everyoneRights} }) {
    my ($ok, $message) = $everyone->PrincipalObj->GrantRight(Right => $right, Object => $RT::System);
    check("grant Everyone $right", $ok, $message);
}

# Every privileged user (the agents) works the queue.
my $privileged = RT::Group->new(RT->SystemUser);
$privileged->LoadSystemInternalGroup('Privileged');
for my $right (@{ $seed->{agentRights} }) {
    my ($ok, $message) = $privileged->PrincipalObj->GrantRight(Right => $right, Object => $queue);
    check("grant Privileged $right on $seed->{queue}", $ok, $message);
}
for my $right (@{ $seed->{agentSystemRights} }) {
    my ($ok, $message) = $privileged->PrincipalObj->GrantRight(Right => $right, Object => $RT::System);
    check("grant Privileged $right", $ok, $message);
}

my $root = RT::User->new(RT->SystemUser);
$root->Load('root');
check('load root', $root->id);
$root->SetEmailAddress($seed->{root}{email}) if ($root->EmailAddress // '') ne $seed->{root}{email};
$root->SetRealName($seed->{root}{realName}) if ($root->RealName // '') ne $seed->{root}{realName};
unless ($root->IsPassword($seed->{root}{password})) {
    my ($ok, $message) = $root->SetPassword($seed->{root}{password});
    check('set root password', $ok, $message);
}

for my $agent (@{ $seed->{agents} }) {
    my $user = RT::User->new(RT->SystemUser);
    my ($id, $message) = $user->Create(
        Name         => $agent->{name},
        EmailAddress => $agent->{email},
        RealName     => $agent->{realName},
        Password     => $agent->{password},
        Privileged   => 1,
    );
    check("create user $agent->{name}", $id, $message);
}

print "seeded\n";
